"""Files: the project's data files read and validated into the model, and whole batch files located
(reference, columnar and Dask engines)."""
