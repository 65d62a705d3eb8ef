"""The Streamlit face's shared rooms: cached resources, the language of a visit, the house style, errors.

Pages (ui/pages/) stay thin: they call geo/ and render; no domain rule lives here.
"""
