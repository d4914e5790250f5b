"""The newsroom's screens: plain Django views over `stories.actions`, for reporters and editors."""
