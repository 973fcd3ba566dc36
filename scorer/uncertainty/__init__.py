"""Uncertainty and variance-based sensitivity analysis over every modelling choice (issue 12).

- :mod:`scorer.uncertainty.config`: the ``uncertainty:`` section of a criteria file.
- :mod:`scorer.uncertainty.factors`: the uncertain inputs it declares, checked against the criteria.
- :mod:`scorer.uncertainty.sobol`: Saltelli (2010) / Jansen (1999) Sobol' estimators with bootstrap intervals.
- :mod:`scorer.uncertainty.engine`: the vectorised model (lookup of precomputed matrices, weighted sums, ranks).
- :mod:`scorer.uncertainty.analysis`: :func:`uncertainty_analysis`, returning an :class:`UncertaintyResult`.

This package file imports nothing so that :mod:`scorer.model.criteria` can use the config model cheaply.
"""
