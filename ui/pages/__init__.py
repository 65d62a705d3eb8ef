"""The Streamlit pages: they call geo/ and render."""
