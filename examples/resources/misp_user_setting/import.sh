# A setting is imported as <user>/<setting>, the user by numeric id or e-mail address.
terraform import misp_user_setting.homepage 12/homepage
terraform import misp_user_setting.homepage ana@soc.example.org/homepage
