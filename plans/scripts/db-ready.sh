#!/bin/sh
# Post-check for the database group: exit 0 when the database accepts connections.
# In production replace the body with a real probe, for example:
#   su - db2inst1 -c "db2 connect to ERP" >/dev/null
echo "database ready"
exit 0
