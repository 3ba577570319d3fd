# There is one default role per MISP instance: its import id is always "default".
terraform import misp_default_role.this default
