"""The pure core: normalise, impute, aggregate, rank, gate, and the result object. No file I/O."""
