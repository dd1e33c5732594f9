"""gaimon: monitor the societal risks of generative AI per sector and signal them early."""

__version__ = "0.1.0"
