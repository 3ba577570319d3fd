# A role can be imported by its numeric id or its exact (case-sensitive) name.
terraform import misp_role.analyst 7
terraform import misp_role.analyst "Analyst"
