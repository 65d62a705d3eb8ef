"""A two-level grid that answers "which quartier covers this point?" mostly by array lookups.

Coarse cells cover the polygons' extent; only coarse cells that meet a polygon's bounding box get a
block of fine cells. Each fine cell is classified once, exactly, with shapely: inside one polygon,
outside every polygon, or on a boundary. Points in the first two kinds are answered by indexing;
only points in boundary cells are tested exactly (prepared polygons, `intersects_xy`, which for a
point is `covers`: a point on a boundary counts as inside). Cells are classified slightly enlarged,
so that a point whose cell index is off by a rounding error still gets the exact answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely

OUTSIDE = -1
BOUNDARY = -2
SAFETY = 1e-9  # degrees (~0.1 mm): far above the rounding error of a cell index, far below any real distance


class QuartierIndex:
    """Index of polygons (lon/lat); `lookup` returns, for each point, the position of the polygon covering it or -1."""

    def __init__(self, geometries: Sequence[shapely.Geometry], *, coarse_deg: float = 0.02, fine: int = 64):
        self.geometries = list(geometries)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)
        bounds = shapely.bounds(self.geometries)
        self.x0, self.y0 = bounds[:, 0].min(), bounds[:, 1].min()
        self.coarse = coarse_deg
        self.fine = fine
        self.nx = max(1, math.ceil((bounds[:, 2].max() - self.x0) / coarse_deg))
        self.ny = max(1, math.ceil((bounds[:, 3].max() - self.y0) / coarse_deg))
        self.step = coarse_deg / fine
        self.blocks = np.full((self.ny, self.nx), -1, dtype=np.int32)
        self.cells, self.candidates = self._classify(bounds)
        self._flat_cells = np.append(self.cells.ravel(), OUTSIDE)  # index -1 lands on this last OUTSIDE
        self._flat_candidates = np.append(self.candidates.ravel(), OUTSIDE)

    def _classify(self, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fine-cell states, one block of fine × fine per coarse cell that meets a polygon's bounding box.

        For a boundary cell, `candidates` names the one polygon to test, or -1 when several meet there.
        """
        active: dict[tuple[int, int], list[int]] = {}
        for k, (minx, miny, maxx, maxy) in enumerate(bounds):
            for iy in range(self._coarse_y(miny), self._coarse_y(maxy) + 1):
                for ix in range(self._coarse_x(minx), self._coarse_x(maxx) + 1):
                    active.setdefault((iy, ix), []).append(k)
        cells = np.full((len(active), self.fine, self.fine), OUTSIDE, dtype=np.int32)
        candidates = np.full(cells.shape, OUTSIDE, dtype=np.int32)
        offsets = np.arange(self.fine) * self.step
        for block, ((iy, ix), polygons) in enumerate(active.items()):
            self.blocks[iy, ix] = block
            gx, gy = np.meshgrid(self.x0 + ix * self.coarse + offsets, self.y0 + iy * self.coarse + offsets)
            boxes = shapely.box(gx - SAFETY, gy - SAFETY, gx + self.step + SAFETY, gy + self.step + SAFETY)
            state, candidate = cells[block], candidates[block]
            for k in polygons:
                geometry = self.geometries[k]
                touching = shapely.intersects(geometry, boxes)
                inside = touching & shapely.contains(geometry, boxes)
                free = state == OUTSIDE
                contested = touching & ~free  # another polygon is already here: the tree decides
                candidate[touching & free & ~inside] = k
                candidate[contested] = OUTSIDE
                state[inside & free] = k
                state[(touching & ~inside) | contested] = BOUNDARY
        return cells, candidates

    def _coarse_x(self, x: float) -> int:
        return min(int(self.nx) - 1, max(0, int((x - self.x0) // self.coarse)))

    def _coarse_y(self, y: float) -> int:
        return min(int(self.ny) - 1, max(0, int((y - self.y0) // self.coarse)))

    def lookup(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Vectorised: grid answers first, exact tests only where the grid says 'boundary'."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        result = np.full(len(lons), OUTSIDE, dtype=np.int64)
        fx = (lons - self.x0) / self.step
        fy = (lats - self.y0) / self.step
        ok = np.isfinite(fx) & np.isfinite(fy) & (fx >= 0) & (fy >= 0) & (fx < self.nx * self.fine) & (
            fy < self.ny * self.fine)
        gx = fx[ok].astype(np.int64)
        gy = fy[ok].astype(np.int64)
        blocks = self.blocks[gy // self.fine, gx // self.fine].astype(np.int64)
        flat = blocks * (self.fine * self.fine) + (gy % self.fine) * self.fine + gx % self.fine
        flat[blocks < 0] = -1  # the extra last cell of `_flat_cells` says OUTSIDE
        state = self._flat_cells[flat]
        result[ok] = state
        near = state == BOUNDARY
        exact = np.flatnonzero(ok)[near]
        result[exact] = self._exact_by_candidate(lons[exact], lats[exact], self._flat_candidates[flat[near]])
        return result

    def _exact_by_candidate(self, lons: np.ndarray, lats: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Points near one polygon's edge: one `intersects_xy` per polygon; contested cells go to the tree."""
        answer = np.full(len(lons), OUTSIDE, dtype=np.int64)
        if len(lons) == 0:
            return answer
        order = np.argsort(candidates, kind="stable")
        keys, starts = np.unique(candidates[order], return_index=True)
        for k, group in zip(keys, np.split(order, starts[1:]), strict=True):
            if k == OUTSIDE:
                answer[group] = self._exact(lons[group], lats[group])
            else:
                answer[group] = np.where(shapely.intersects_xy(self.geometries[k], lons[group], lats[group]), k, OUTSIDE)
        return answer

    def _exact(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """The lowest-numbered polygon covering each point, by the STRtree and shapely's own predicate."""
        answer = np.full(len(lons), OUTSIDE, dtype=np.int64)
        if len(lons) == 0:
            return answer
        points, polygons = self.tree.query(shapely.points(lons, lats), predicate="intersects")
        order = np.lexsort((polygons, points))
        points, polygons = points[order], polygons[order]
        first = np.unique(points, return_index=True)[1]
        answer[points[first]] = polygons[first]
        return answer

    def lookup_one(self, lon: float, lat: float) -> int:
        """One point without numpy arrays: a few integer operations, or one exact test near a boundary."""
        fx = (lon - self.x0) / self.step
        fy = (lat - self.y0) / self.step
        if not (0 <= fx < self.nx * self.fine and 0 <= fy < self.ny * self.fine):
            return OUTSIDE
        gx, gy = int(fx), int(fy)
        block = self.blocks[gy // self.fine, gx // self.fine]
        if block < 0:
            return OUTSIDE
        state = int(self.cells[block, gy % self.fine, gx % self.fine])
        if state != BOUNDARY:
            return state
        candidate = int(self.candidates[block, gy % self.fine, gx % self.fine])
        if candidate != OUTSIDE:
            return candidate if shapely.intersects_xy(self.geometries[candidate], lon, lat) else OUTSIDE
        for k in sorted(self.tree.query(shapely.Point(lon, lat), predicate="intersects")):
            return int(k)
        return OUTSIDE
