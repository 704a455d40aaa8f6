"""PDF documents: the landscape, paged table of a view (`writer`), in the DejaVu Sans font of `formats/fonts/`
(`faces`), and in installed fonts found through fontconfig for the characters it lacks (`fallback`)."""
