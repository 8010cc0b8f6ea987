package other.checks

warn_label contains "other warns" if not input.metadata.labels
