# An auth key can be imported by its numeric id or its UUID. MISP never shows a key again after creating it,
# so authkey is null after an import; rotate the key (change keepers) to have one whose secret Terraform knows.
terraform import misp_auth_key.feed_bot_pull 12
terraform import misp_auth_key.feed_bot_pull 0b9a3b4e-2c1d-4f5e-8a7b-6c5d4e3f2a1b
