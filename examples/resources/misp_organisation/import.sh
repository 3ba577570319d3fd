# An organisation can be imported by its numeric id, its uuid or its exact (case-sensitive) name.
terraform import misp_organisation.cert 12
terraform import misp_organisation.partner 5b6f3c2a-9d4e-4f1a-8b7c-6d5e4f3a2b1c
terraform import misp_organisation.cert "CERT Example"
