"""High-value datasets: the ``/hvd`` report (the rules are in ``logic.hvd``)."""
