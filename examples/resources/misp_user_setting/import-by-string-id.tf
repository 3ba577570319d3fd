# Adopt a setting someone made in MISP: the id is <user>/<setting>, the user by id or e-mail address.
import {
  to = misp_user_setting.homepage
  id = "ana@soc.example.org/homepage"
}
