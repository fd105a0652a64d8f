"""Many sites in one batch: the site list, one process per site, folders that resume, the
index, and the task queue that spreads a batch over several machines."""
