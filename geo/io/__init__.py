"""Reading and writing: data files and their validation, official sources, batch files, geocoders, counts."""
