"""Evidence bundles from the database (Django): `bundles` builds, stores and reads them; `loading`
reads the facts in bulk; `report` renders the HTML and PDF reports; `providers` is where a lower
app registers the signature files that bundles carry."""
