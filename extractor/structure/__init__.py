"""Stage 2: rebuild the packet's tables, columns and activity records from rows of cells."""
