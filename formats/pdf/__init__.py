"""PDF documents: the landscape, paged table of a view (`writer`), in the DejaVu Sans font of `formats/fonts/`."""
