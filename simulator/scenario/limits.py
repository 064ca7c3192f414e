"""The limits a scenario and its assets live within, in one place for the loader, the
validator, the engine and the game (docs/reliability.md lists each with its test)."""

TURN_LIMIT = 60  # a conversation this long is going round in circles: the engine ends it as unresolved

# Portrait images: checked from the file header before anything decodes them, so a 48 KB
# PNG that claims 20000 x 20000 pixels (1.6 GB once decoded) never reaches the image library.
MAX_ASSET_BYTES = 8 << 20  # 8 MiB on disk
MAX_IMAGE_PIXELS = 4096 * 4096  # 16.7 million pixels: 64 MiB as RGBA, far above any portrait
MAX_IMAGE_SIDE = 8192
