"""akhbar (أخبار): Arabic news to TF-IDF and LDA topics, category classifiers and ``predict()``.

    >>> import akhbar
    >>> predictor = akhbar.load("models/default")
    >>> [p.label for p in predictor.predict(["..."])]

Imports are lazy so ``import akhbar`` (and ``akhbar --help``) stay fast.
"""

__version__ = "0.1.0"

__all__ = ["load", "predict", "Predictor", "Prediction", "__version__"]


def __getattr__(name):
    if name in ("load", "predict", "Predictor", "Prediction"):
        # The module is ``predictor`` (not ``predict``) so that ``akhbar.predict`` stays the
        # function: importing a submodule named ``predict`` would rebind the package attribute.
        from akhbar import predictor

        return getattr(predictor, name)
    raise AttributeError(f"module 'akhbar' has no attribute {name!r}")
