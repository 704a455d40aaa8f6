"""Word documents: the landscape table of a view (`writer`)."""
