# A user can be imported by its numeric id or by its e-mail address (compared without regard to case).
terraform import misp_user.analyst 42
terraform import misp_user.analyst analyst@example.org
