-- examples/workloads/w1.sql
--
-- W1 (real: "Start Here: A Gentle Introduction"): clean, encode, polynomial and
-- domain features of application_train, then logistic regression, random forest
-- and gradient boosting, each scored by ROC AUC on the test split.
--
-- Over the tables of examples/homecredit/generate.sql; needs examples/ml.sql.
-- Only defines the workload (each eg.* call adds a step; nothing runs yet):
--     \i examples/workloads/w1.sql
--     SELECT * FROM eg.run();
-- The same file as plain SQL, without eg:  examples/workloads/plain w1.sql | psql
-- (conventions in examples/workloads/README.md: a step shared by several
-- workloads is written identically in each of them).

-- Steps read fresh temporary tables that have no statistics, so the planner
-- overestimates wide joins by orders of magnitude and JIT-compiles them for
-- seconds; this session setting (plain SQL and eg alike) avoids that.
SET jit = off;

SELECT eg.begin('homecredit/w1');

SELECT eg.dataset('app_clean', $$
    -- DAYS_EMPLOYED = 365243 means "not employed": a flag, and NULL
    SELECT sk_id_curr, target, name_contract_type, code_gender, flag_own_car,
           flag_own_realty, cnt_children, amt_income_total, amt_credit, amt_annuity,
           amt_goods_price, name_type_suite, name_income_type, name_education_type,
           name_family_status, name_housing_type, region_population_relative, days_birth,
           CASE WHEN days_employed = 365243 THEN 1 ELSE 0 END AS days_employed_anom,
           NULLIF(days_employed, 365243) AS days_employed, days_registration,
           days_id_publish, own_car_age, flag_mobil, flag_emp_phone, flag_work_phone,
           flag_cont_mobile, flag_phone, flag_email, occupation_type, cnt_fam_members,
           region_rating_client, region_rating_client_w_city, weekday_appr_process_start,
           hour_appr_process_start, reg_region_not_live_region, reg_region_not_work_region,
           live_region_not_work_region, reg_city_not_live_city, reg_city_not_work_city,
           live_city_not_work_city, organization_type, ext_source_1, ext_source_2,
           ext_source_3, apartments_avg, basementarea_avg, years_beginexpluatation_avg,
           years_build_avg, commonarea_avg, elevators_avg, entrances_avg, floorsmax_avg,
           floorsmin_avg, landarea_avg, livingapartments_avg, livingarea_avg,
           nonlivingapartments_avg, nonlivingarea_avg, apartments_mode, basementarea_mode,
           years_beginexpluatation_mode, years_build_mode, commonarea_mode, elevators_mode,
           entrances_mode, floorsmax_mode, floorsmin_mode, landarea_mode,
           livingapartments_mode, livingarea_mode, nonlivingapartments_mode,
           nonlivingarea_mode, apartments_medi, basementarea_medi,
           years_beginexpluatation_medi, years_build_medi, commonarea_medi, elevators_medi,
           entrances_medi, floorsmax_medi, floorsmin_medi, landarea_medi,
           livingapartments_medi, livingarea_medi, nonlivingapartments_medi,
           nonlivingarea_medi, fondkapremont_mode, housetype_mode, totalarea_mode,
           wallsmaterial_mode, emergencystate_mode, obs_30_cnt_social_circle,
           def_30_cnt_social_circle, obs_60_cnt_social_circle, def_60_cnt_social_circle,
           days_last_phone_change, flag_document_2, flag_document_3, flag_document_4,
           flag_document_5, flag_document_6, flag_document_7, flag_document_8,
           flag_document_9, flag_document_10, flag_document_11, flag_document_12,
           flag_document_13, flag_document_14, flag_document_15, flag_document_16,
           flag_document_17, flag_document_18, flag_document_19, flag_document_20,
           flag_document_21, amt_req_credit_bureau_hour, amt_req_credit_bureau_day,
           amt_req_credit_bureau_week, amt_req_credit_bureau_mon, amt_req_credit_bureau_qrt,
           amt_req_credit_bureau_year
    FROM application_train
$$);

SELECT eg.dataset('app_encoded', $$
    -- label-encode the two-valued categoricals, one-hot encode the others
    -- (a NULL category is all zeros, as pandas.get_dummies does)
    SELECT sk_id_curr, target, cnt_children, amt_income_total, amt_credit, amt_annuity,
           amt_goods_price, region_population_relative, days_birth, days_employed,
           days_employed_anom, days_registration, days_id_publish, own_car_age, flag_mobil,
           flag_emp_phone, flag_work_phone, flag_cont_mobile, flag_phone, flag_email,
           cnt_fam_members, region_rating_client, region_rating_client_w_city,
           hour_appr_process_start, reg_region_not_live_region, reg_region_not_work_region,
           live_region_not_work_region, reg_city_not_live_city, reg_city_not_work_city,
           live_city_not_work_city, ext_source_1, ext_source_2, ext_source_3,
           apartments_avg, basementarea_avg, years_beginexpluatation_avg, years_build_avg,
           commonarea_avg, elevators_avg, entrances_avg, floorsmax_avg, floorsmin_avg,
           landarea_avg, livingapartments_avg, livingarea_avg, nonlivingapartments_avg,
           nonlivingarea_avg, apartments_mode, basementarea_mode,
           years_beginexpluatation_mode, years_build_mode, commonarea_mode, elevators_mode,
           entrances_mode, floorsmax_mode, floorsmin_mode, landarea_mode,
           livingapartments_mode, livingarea_mode, nonlivingapartments_mode,
           nonlivingarea_mode, apartments_medi, basementarea_medi,
           years_beginexpluatation_medi, years_build_medi, commonarea_medi, elevators_medi,
           entrances_medi, floorsmax_medi, floorsmin_medi, landarea_medi,
           livingapartments_medi, livingarea_medi, nonlivingapartments_medi,
           nonlivingarea_medi, totalarea_mode, obs_30_cnt_social_circle,
           def_30_cnt_social_circle, obs_60_cnt_social_circle, def_60_cnt_social_circle,
           days_last_phone_change, flag_document_2, flag_document_3, flag_document_4,
           flag_document_5, flag_document_6, flag_document_7, flag_document_8,
           flag_document_9, flag_document_10, flag_document_11, flag_document_12,
           flag_document_13, flag_document_14, flag_document_15, flag_document_16,
           flag_document_17, flag_document_18, flag_document_19, flag_document_20,
           flag_document_21, amt_req_credit_bureau_hour, amt_req_credit_bureau_day,
           amt_req_credit_bureau_week, amt_req_credit_bureau_mon, amt_req_credit_bureau_qrt,
           amt_req_credit_bureau_year,
           CASE WHEN name_contract_type = 'Revolving loans' THEN 1 ELSE 0 END AS name_contract_type,
           CASE WHEN flag_own_car = 'Y' THEN 1 ELSE 0 END AS flag_own_car,
           CASE WHEN flag_own_realty = 'Y' THEN 1 ELSE 0 END AS flag_own_realty,
           CASE WHEN code_gender = 'F' THEN 1 ELSE 0 END AS code_gender_f,
           CASE WHEN code_gender = 'M' THEN 1 ELSE 0 END AS code_gender_m,
           CASE WHEN code_gender = 'XNA' THEN 1 ELSE 0 END AS code_gender_xna,
           CASE WHEN name_type_suite = 'Unaccompanied' THEN 1 ELSE 0 END AS name_type_suite_unaccompanied,
           CASE WHEN name_type_suite = 'Family' THEN 1 ELSE 0 END AS name_type_suite_family,
           CASE WHEN name_type_suite = 'Spouse, partner' THEN 1 ELSE 0 END AS name_type_suite_spouse_partner,
           CASE WHEN name_type_suite = 'Children' THEN 1 ELSE 0 END AS name_type_suite_children,
           CASE WHEN name_type_suite = 'Other_B' THEN 1 ELSE 0 END AS name_type_suite_other_b,
           CASE WHEN name_type_suite = 'Other_A' THEN 1 ELSE 0 END AS name_type_suite_other_a,
           CASE WHEN name_type_suite = 'Group of people' THEN 1 ELSE 0 END AS name_type_suite_group_of_people,
           CASE WHEN name_income_type = 'Working' THEN 1 ELSE 0 END AS name_income_type_working,
           CASE WHEN name_income_type = 'Commercial associate' THEN 1 ELSE 0 END AS name_income_type_commercial_associate,
           CASE WHEN name_income_type = 'Pensioner' THEN 1 ELSE 0 END AS name_income_type_pensioner,
           CASE WHEN name_income_type = 'State servant' THEN 1 ELSE 0 END AS name_income_type_state_servant,
           CASE WHEN name_income_type = 'Unemployed' THEN 1 ELSE 0 END AS name_income_type_unemployed,
           CASE WHEN name_income_type = 'Student' THEN 1 ELSE 0 END AS name_income_type_student,
           CASE WHEN name_income_type = 'Businessman' THEN 1 ELSE 0 END AS name_income_type_businessman,
           CASE WHEN name_income_type = 'Maternity leave' THEN 1 ELSE 0 END AS name_income_type_maternity_leave,
           CASE WHEN name_education_type = 'Secondary / secondary special' THEN 1 ELSE 0 END AS name_education_type_secondary_secondary_special,
           CASE WHEN name_education_type = 'Higher education' THEN 1 ELSE 0 END AS name_education_type_higher_education,
           CASE WHEN name_education_type = 'Incomplete higher' THEN 1 ELSE 0 END AS name_education_type_incomplete_higher,
           CASE WHEN name_education_type = 'Lower secondary' THEN 1 ELSE 0 END AS name_education_type_lower_secondary,
           CASE WHEN name_education_type = 'Academic degree' THEN 1 ELSE 0 END AS name_education_type_academic_degree,
           CASE WHEN name_family_status = 'Married' THEN 1 ELSE 0 END AS name_family_status_married,
           CASE WHEN name_family_status = 'Single / not married' THEN 1 ELSE 0 END AS name_family_status_single_not_married,
           CASE WHEN name_family_status = 'Civil marriage' THEN 1 ELSE 0 END AS name_family_status_civil_marriage,
           CASE WHEN name_family_status = 'Separated' THEN 1 ELSE 0 END AS name_family_status_separated,
           CASE WHEN name_family_status = 'Widow' THEN 1 ELSE 0 END AS name_family_status_widow,
           CASE WHEN name_family_status = 'Unknown' THEN 1 ELSE 0 END AS name_family_status_unknown,
           CASE WHEN name_housing_type = 'House / apartment' THEN 1 ELSE 0 END AS name_housing_type_house_apartment,
           CASE WHEN name_housing_type = 'With parents' THEN 1 ELSE 0 END AS name_housing_type_with_parents,
           CASE WHEN name_housing_type = 'Municipal apartment' THEN 1 ELSE 0 END AS name_housing_type_municipal_apartment,
           CASE WHEN name_housing_type = 'Rented apartment' THEN 1 ELSE 0 END AS name_housing_type_rented_apartment,
           CASE WHEN name_housing_type = 'Office apartment' THEN 1 ELSE 0 END AS name_housing_type_office_apartment,
           CASE WHEN name_housing_type = 'Co-op apartment' THEN 1 ELSE 0 END AS name_housing_type_co_op_apartment,
           CASE WHEN occupation_type = 'Laborers' THEN 1 ELSE 0 END AS occupation_type_laborers,
           CASE WHEN occupation_type = 'Sales staff' THEN 1 ELSE 0 END AS occupation_type_sales_staff,
           CASE WHEN occupation_type = 'Core staff' THEN 1 ELSE 0 END AS occupation_type_core_staff,
           CASE WHEN occupation_type = 'Managers' THEN 1 ELSE 0 END AS occupation_type_managers,
           CASE WHEN occupation_type = 'Drivers' THEN 1 ELSE 0 END AS occupation_type_drivers,
           CASE WHEN occupation_type = 'High skill tech staff' THEN 1 ELSE 0 END AS occupation_type_high_skill_tech_staff,
           CASE WHEN occupation_type = 'Accountants' THEN 1 ELSE 0 END AS occupation_type_accountants,
           CASE WHEN occupation_type = 'Medicine staff' THEN 1 ELSE 0 END AS occupation_type_medicine_staff,
           CASE WHEN occupation_type = 'Security staff' THEN 1 ELSE 0 END AS occupation_type_security_staff,
           CASE WHEN occupation_type = 'Cooking staff' THEN 1 ELSE 0 END AS occupation_type_cooking_staff,
           CASE WHEN occupation_type = 'Cleaning staff' THEN 1 ELSE 0 END AS occupation_type_cleaning_staff,
           CASE WHEN occupation_type = 'Private service staff' THEN 1 ELSE 0 END AS occupation_type_private_service_staff,
           CASE WHEN occupation_type = 'Low-skill Laborers' THEN 1 ELSE 0 END AS occupation_type_low_skill_laborers,
           CASE WHEN occupation_type = 'Waiters/barmen staff' THEN 1 ELSE 0 END AS occupation_type_waiters_barmen_staff,
           CASE WHEN occupation_type = 'Secretaries' THEN 1 ELSE 0 END AS occupation_type_secretaries,
           CASE WHEN occupation_type = 'Realty agents' THEN 1 ELSE 0 END AS occupation_type_realty_agents,
           CASE WHEN occupation_type = 'HR staff' THEN 1 ELSE 0 END AS occupation_type_hr_staff,
           CASE WHEN occupation_type = 'IT staff' THEN 1 ELSE 0 END AS occupation_type_it_staff,
           CASE WHEN weekday_appr_process_start = 'MONDAY' THEN 1 ELSE 0 END AS weekday_appr_process_start_monday,
           CASE WHEN weekday_appr_process_start = 'TUESDAY' THEN 1 ELSE 0 END AS weekday_appr_process_start_tuesday,
           CASE WHEN weekday_appr_process_start = 'WEDNESDAY' THEN 1 ELSE 0 END AS weekday_appr_process_start_wednesday,
           CASE WHEN weekday_appr_process_start = 'THURSDAY' THEN 1 ELSE 0 END AS weekday_appr_process_start_thursday,
           CASE WHEN weekday_appr_process_start = 'FRIDAY' THEN 1 ELSE 0 END AS weekday_appr_process_start_friday,
           CASE WHEN weekday_appr_process_start = 'SATURDAY' THEN 1 ELSE 0 END AS weekday_appr_process_start_saturday,
           CASE WHEN weekday_appr_process_start = 'SUNDAY' THEN 1 ELSE 0 END AS weekday_appr_process_start_sunday,
           CASE WHEN organization_type = 'Business Entity Type 3' THEN 1 ELSE 0 END AS organization_type_business_entity_type_3,
           CASE WHEN organization_type = 'XNA' THEN 1 ELSE 0 END AS organization_type_xna,
           CASE WHEN organization_type = 'Self-employed' THEN 1 ELSE 0 END AS organization_type_self_employed,
           CASE WHEN organization_type = 'Other' THEN 1 ELSE 0 END AS organization_type_other,
           CASE WHEN organization_type = 'Medicine' THEN 1 ELSE 0 END AS organization_type_medicine,
           CASE WHEN organization_type = 'Business Entity Type 2' THEN 1 ELSE 0 END AS organization_type_business_entity_type_2,
           CASE WHEN organization_type = 'Government' THEN 1 ELSE 0 END AS organization_type_government,
           CASE WHEN organization_type = 'School' THEN 1 ELSE 0 END AS organization_type_school,
           CASE WHEN organization_type = 'Trade: type 7' THEN 1 ELSE 0 END AS organization_type_trade_type_7,
           CASE WHEN organization_type = 'Kindergarten' THEN 1 ELSE 0 END AS organization_type_kindergarten,
           CASE WHEN organization_type = 'Construction' THEN 1 ELSE 0 END AS organization_type_construction,
           CASE WHEN organization_type = 'Business Entity Type 1' THEN 1 ELSE 0 END AS organization_type_business_entity_type_1,
           CASE WHEN organization_type = 'Transport: type 4' THEN 1 ELSE 0 END AS organization_type_transport_type_4,
           CASE WHEN organization_type = 'Trade: type 3' THEN 1 ELSE 0 END AS organization_type_trade_type_3,
           CASE WHEN organization_type = 'Industry: type 9' THEN 1 ELSE 0 END AS organization_type_industry_type_9,
           CASE WHEN organization_type = 'Industry: type 3' THEN 1 ELSE 0 END AS organization_type_industry_type_3,
           CASE WHEN organization_type = 'Security' THEN 1 ELSE 0 END AS organization_type_security,
           CASE WHEN organization_type = 'Housing' THEN 1 ELSE 0 END AS organization_type_housing,
           CASE WHEN organization_type = 'Industry: type 11' THEN 1 ELSE 0 END AS organization_type_industry_type_11,
           CASE WHEN organization_type = 'Military' THEN 1 ELSE 0 END AS organization_type_military,
           CASE WHEN organization_type = 'Bank' THEN 1 ELSE 0 END AS organization_type_bank,
           CASE WHEN organization_type = 'Agriculture' THEN 1 ELSE 0 END AS organization_type_agriculture,
           CASE WHEN organization_type = 'Police' THEN 1 ELSE 0 END AS organization_type_police,
           CASE WHEN organization_type = 'Transport: type 2' THEN 1 ELSE 0 END AS organization_type_transport_type_2,
           CASE WHEN organization_type = 'Postal' THEN 1 ELSE 0 END AS organization_type_postal,
           CASE WHEN organization_type = 'Security Ministries' THEN 1 ELSE 0 END AS organization_type_security_ministries,
           CASE WHEN organization_type = 'Trade: type 2' THEN 1 ELSE 0 END AS organization_type_trade_type_2,
           CASE WHEN organization_type = 'Restaurant' THEN 1 ELSE 0 END AS organization_type_restaurant,
           CASE WHEN organization_type = 'Services' THEN 1 ELSE 0 END AS organization_type_services,
           CASE WHEN organization_type = 'University' THEN 1 ELSE 0 END AS organization_type_university,
           CASE WHEN organization_type = 'Industry: type 7' THEN 1 ELSE 0 END AS organization_type_industry_type_7,
           CASE WHEN organization_type = 'Transport: type 3' THEN 1 ELSE 0 END AS organization_type_transport_type_3,
           CASE WHEN organization_type = 'Industry: type 1' THEN 1 ELSE 0 END AS organization_type_industry_type_1,
           CASE WHEN organization_type = 'Hotel' THEN 1 ELSE 0 END AS organization_type_hotel,
           CASE WHEN organization_type = 'Electricity' THEN 1 ELSE 0 END AS organization_type_electricity,
           CASE WHEN organization_type = 'Industry: type 4' THEN 1 ELSE 0 END AS organization_type_industry_type_4,
           CASE WHEN organization_type = 'Trade: type 6' THEN 1 ELSE 0 END AS organization_type_trade_type_6,
           CASE WHEN organization_type = 'Industry: type 5' THEN 1 ELSE 0 END AS organization_type_industry_type_5,
           CASE WHEN organization_type = 'Insurance' THEN 1 ELSE 0 END AS organization_type_insurance,
           CASE WHEN organization_type = 'Telecom' THEN 1 ELSE 0 END AS organization_type_telecom,
           CASE WHEN organization_type = 'Emergency' THEN 1 ELSE 0 END AS organization_type_emergency,
           CASE WHEN organization_type = 'Industry: type 2' THEN 1 ELSE 0 END AS organization_type_industry_type_2,
           CASE WHEN organization_type = 'Advertising' THEN 1 ELSE 0 END AS organization_type_advertising,
           CASE WHEN organization_type = 'Realtor' THEN 1 ELSE 0 END AS organization_type_realtor,
           CASE WHEN organization_type = 'Culture' THEN 1 ELSE 0 END AS organization_type_culture,
           CASE WHEN organization_type = 'Industry: type 12' THEN 1 ELSE 0 END AS organization_type_industry_type_12,
           CASE WHEN organization_type = 'Trade: type 1' THEN 1 ELSE 0 END AS organization_type_trade_type_1,
           CASE WHEN organization_type = 'Mobile' THEN 1 ELSE 0 END AS organization_type_mobile,
           CASE WHEN organization_type = 'Legal Services' THEN 1 ELSE 0 END AS organization_type_legal_services,
           CASE WHEN organization_type = 'Cleaning' THEN 1 ELSE 0 END AS organization_type_cleaning,
           CASE WHEN organization_type = 'Transport: type 1' THEN 1 ELSE 0 END AS organization_type_transport_type_1,
           CASE WHEN organization_type = 'Industry: type 6' THEN 1 ELSE 0 END AS organization_type_industry_type_6,
           CASE WHEN organization_type = 'Industry: type 10' THEN 1 ELSE 0 END AS organization_type_industry_type_10,
           CASE WHEN organization_type = 'Religion' THEN 1 ELSE 0 END AS organization_type_religion,
           CASE WHEN organization_type = 'Industry: type 13' THEN 1 ELSE 0 END AS organization_type_industry_type_13,
           CASE WHEN organization_type = 'Trade: type 4' THEN 1 ELSE 0 END AS organization_type_trade_type_4,
           CASE WHEN organization_type = 'Trade: type 5' THEN 1 ELSE 0 END AS organization_type_trade_type_5,
           CASE WHEN organization_type = 'Industry: type 8' THEN 1 ELSE 0 END AS organization_type_industry_type_8,
           CASE WHEN fondkapremont_mode = 'reg oper account' THEN 1 ELSE 0 END AS fondkapremont_mode_reg_oper_account,
           CASE WHEN fondkapremont_mode = 'reg oper spec account' THEN 1 ELSE 0 END AS fondkapremont_mode_reg_oper_spec_account,
           CASE WHEN fondkapremont_mode = 'not specified' THEN 1 ELSE 0 END AS fondkapremont_mode_not_specified,
           CASE WHEN fondkapremont_mode = 'org spec account' THEN 1 ELSE 0 END AS fondkapremont_mode_org_spec_account,
           CASE WHEN housetype_mode = 'block of flats' THEN 1 ELSE 0 END AS housetype_mode_block_of_flats,
           CASE WHEN housetype_mode = 'specific housing' THEN 1 ELSE 0 END AS housetype_mode_specific_housing,
           CASE WHEN housetype_mode = 'terraced house' THEN 1 ELSE 0 END AS housetype_mode_terraced_house,
           CASE WHEN wallsmaterial_mode = 'Panel' THEN 1 ELSE 0 END AS wallsmaterial_mode_panel,
           CASE WHEN wallsmaterial_mode = 'Stone, brick' THEN 1 ELSE 0 END AS wallsmaterial_mode_stone_brick,
           CASE WHEN wallsmaterial_mode = 'Block' THEN 1 ELSE 0 END AS wallsmaterial_mode_block,
           CASE WHEN wallsmaterial_mode = 'Wooden' THEN 1 ELSE 0 END AS wallsmaterial_mode_wooden,
           CASE WHEN wallsmaterial_mode = 'Mixed' THEN 1 ELSE 0 END AS wallsmaterial_mode_mixed,
           CASE WHEN wallsmaterial_mode = 'Monolithic' THEN 1 ELSE 0 END AS wallsmaterial_mode_monolithic,
           CASE WHEN wallsmaterial_mode = 'Others' THEN 1 ELSE 0 END AS wallsmaterial_mode_others,
           CASE WHEN emergencystate_mode = 'No' THEN 1 ELSE 0 END AS emergencystate_mode_no,
           CASE WHEN emergencystate_mode = 'Yes' THEN 1 ELSE 0 END AS emergencystate_mode_yes
    FROM app_clean
$$);

SELECT eg.aggregate('poly_medians', $$
    -- medians of the training rows, to impute the polynomial features' inputs
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ext_source_1) AS ext_source_1,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ext_source_2) AS ext_source_2,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ext_source_3) AS ext_source_3,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days_birth) AS days_birth
    FROM app_clean
    WHERE sk_id_curr % 5 <> 0
$$);

SELECT eg.dataset('app_poly', $$
    -- polynomial features (degree 2 and 3) of EXT_SOURCE_1..3 and DAYS_BIRTH
    SELECT sk_id_curr,
           e1 * e1 AS poly_e1_e1,
           e1 * e2 AS poly_e1_e2,
           e1 * e3 AS poly_e1_e3,
           e1 * b AS poly_e1_b,
           e2 * e2 AS poly_e2_e2,
           e2 * e3 AS poly_e2_e3,
           e2 * b AS poly_e2_b,
           e3 * e3 AS poly_e3_e3,
           e3 * b AS poly_e3_b,
           b * b AS poly_b_b,
           e1 * e1 * e1 AS poly_e1_e1_e1,
           e1 * e1 * e2 AS poly_e1_e1_e2,
           e1 * e1 * e3 AS poly_e1_e1_e3,
           e1 * e1 * b AS poly_e1_e1_b,
           e1 * e2 * e2 AS poly_e1_e2_e2,
           e1 * e2 * e3 AS poly_e1_e2_e3,
           e1 * e2 * b AS poly_e1_e2_b,
           e1 * e3 * e3 AS poly_e1_e3_e3,
           e1 * e3 * b AS poly_e1_e3_b,
           e1 * b * b AS poly_e1_b_b,
           e2 * e2 * e2 AS poly_e2_e2_e2,
           e2 * e2 * e3 AS poly_e2_e2_e3,
           e2 * e2 * b AS poly_e2_e2_b,
           e2 * e3 * e3 AS poly_e2_e3_e3,
           e2 * e3 * b AS poly_e2_e3_b,
           e2 * b * b AS poly_e2_b_b,
           e3 * e3 * e3 AS poly_e3_e3_e3,
           e3 * e3 * b AS poly_e3_e3_b,
           e3 * b * b AS poly_e3_b_b,
           b * b * b AS poly_b_b_b
    FROM (SELECT c.sk_id_curr,
                 coalesce(c.ext_source_1, m.ext_source_1) AS e1,
                 coalesce(c.ext_source_2, m.ext_source_2) AS e2,
                 coalesce(c.ext_source_3, m.ext_source_3) AS e3,
                 coalesce(c.days_birth, m.days_birth) AS b
          FROM app_clean c CROSS JOIN poly_medians m) x
$$);

SELECT eg.dataset('app_domain', $$
    -- domain knowledge features
    SELECT sk_id_curr,
           (amt_credit / amt_income_total)::float8 AS credit_income_percent,
           (amt_annuity / amt_income_total)::float8 AS annuity_income_percent,
           (amt_annuity / amt_credit)::float8 AS credit_term,
           days_employed::float8 / days_birth AS days_employed_percent
    FROM app_clean
$$);

SELECT eg.dataset('feats_w1', $$
    SELECT *
    FROM app_encoded
    JOIN app_poly USING (sk_id_curr)
    JOIN app_domain USING (sk_id_curr)
$$);

SELECT eg.dataset('train_w1', $$
    SELECT * FROM feats_w1 WHERE sk_id_curr % 5 <> 0
$$);

SELECT eg.dataset('test_w1', $$
    SELECT * FROM feats_w1 WHERE sk_id_curr % 5 = 0
$$);

SELECT eg.model('logreg_w1', 'ml.train_logreg', 'train_w1', '{"C": 0.01, "threads": 2}');

SELECT eg.aggregate('auc_logreg_w1', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM logreg_w1 m$$,
                    quality_of => 'logreg_w1');

SELECT eg.model('rf_w1', 'ml.train_rf', 'train_w1', '{"n_estimators": 100, "min_samples_leaf": 5, "threads": 2}');

SELECT eg.aggregate('auc_rf_w1', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM rf_w1 m$$,
                    quality_of => 'rf_w1');

SELECT eg.model('gbm_w1', 'ml.train_gbm', 'train_w1', '{"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 40, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w1', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM gbm_w1 m$$,
                    quality_of => 'gbm_w1');
