"""Identity: ID numbers, credit codes and names, and resolution of records into entities."""
