"""What people read: cards and texts, maps, exports, the standalone map, links and tables."""

#: The coverage exports `python -m geo export --format` writes, each rendered by render/export.py: named here so
#: that the command line lists them without loading the renderers (and folium behind them) for every command.
EXPORT_FORMATS = ("csv", "xlsx", "geojson", "datainclusion", "html")
