"""The outputs layer: one module per output file, a registry of them, and one writer."""
