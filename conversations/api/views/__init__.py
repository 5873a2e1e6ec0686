"""API views of the conversations app: thin, each validates input, calls one service or
selector and serializes the result."""
