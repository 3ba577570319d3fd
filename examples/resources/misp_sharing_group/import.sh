# A sharing group can be imported by its numeric id, its uuid or its name.
terraform import misp_sharing_group.partners 3
terraform import misp_sharing_group.partners 0d5a6b2c-1e3f-4a5b-8c7d-9e0f1a2b3c4d
terraform import misp_sharing_group.partners "Partners"
