"""Other engines akhbar runs on, beside one Python process.

:mod:`akhbar.engines.spark` labels and trains on Apache Spark (``pip install "akhbar[spark]"``).
An engine sits above :mod:`akhbar.predictor` and :mod:`akhbar.train`: it reuses their code
inside its workers rather than re-implementing it, so a model folder means the same thing on
every engine. Nothing here is imported by the rest of akhbar except the CLI, lazily.
"""
