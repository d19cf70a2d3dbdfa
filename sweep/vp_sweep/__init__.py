"""vp-sweep: design-space sweeps of vp-run (docs/sweeps.md)."""
