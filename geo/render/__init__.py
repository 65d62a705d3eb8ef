"""What several domains show: cards and texts, maps, links, the standalone map and the data·inclusion shape."""
