"""What people read: cards and texts, maps, exports, the standalone map, links and tables."""
