"""Array-level solvers: weight sampling, SMAA, exact stability intervals, HiGHS calls, the fitting programmes."""
