/*
 * utility.c - the utility of keeping an artifact (docs/paper.md 4.2, Eq. 2).
 *
 *   r_cs(v) = f(v) * C_r(v) / s(v)        (weighted cost-size ratio)
 *   U(v)    = alpha * p'(v) + (1 - alpha) * r_cs'(v),   0 if C_l(v) >= C_r(v)
 *
 * where p' and r_cs' are p and r_cs divided by their sums over the
 * candidates (the artifacts the materializer chooses among: those kept and
 * those the run just computed).  C_r counts every ancestor once (the
 * executor sums compute times over the ancestor set, not over paths), p is
 * the best quality of a model the artifact leads to (itself included), and
 * s is the artifact's compressed size counted in full.  The guard keeps an
 * artifact that is no cheaper to load than to recreate out of the store.
 */
#include "postgres.h"

#include "utility.h"

/* Compute every candidate's utility (c[i].utility) for weight alpha. */
void
utility_compute(MatCandidate *c, int n, double alpha)
{
	double		sum_p = 0;
	double		sum_r = 0;
	double	   *rcs = palloc(sizeof(double) * Max(n, 1));

	/* candidates neither stored nor prepared (refused by a guard) take no part */
	for (int i = 0; i < n; i++)
	{
		bool		in = mat_candidate_in(&c[i]);

		rcs[i] = in ? c[i].frequency * c[i].recreation / (double) Max(c[i].size, 1) : 0;
		sum_p += in ? c[i].potential : 0;
		sum_r += rcs[i];
	}
	for (int i = 0; i < n; i++)
	{
		double		p = sum_p > 0 ? c[i].potential / sum_p : 0;
		double		r = sum_r > 0 ? rcs[i] / sum_r : 0;

		c[i].utility = (!mat_candidate_in(&c[i]) || c[i].load >= c[i].recreation)
			? 0 : alpha * p + (1 - alpha) * r;
	}
	pfree(rcs);
}
