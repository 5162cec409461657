"""No admin for requests: the requester's identity is read only in the officer's
workspace (/informacion/gestion/), where every step is audit-logged."""
