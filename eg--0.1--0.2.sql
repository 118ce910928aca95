-- eg--0.1--0.2.sql - upgrade eg from 0.1 to 0.2.
--
-- 0.2 changes no SQL object: it versions the install scripts (this path,
-- the frozen eg--0.1.sql), the packaging, and an internal refactor of the
-- C code with unchanged behaviour.  The module is the same library
-- ($libdir/eg) for both versions, so there is nothing to do here.
-- sql/upgrade.sql checks that 0.1 upgraded to 0.2 has exactly the objects
-- of a fresh 0.2 install, and that 0.1's graph and store stay usable.

\echo Use "ALTER EXTENSION eg UPDATE TO '0.2'" to load this file. \quit
