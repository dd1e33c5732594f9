"""Train: build, tune and evaluate the text model from labelled data and analysts' corrections."""
