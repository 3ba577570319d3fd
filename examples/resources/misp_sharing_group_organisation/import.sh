# A membership is imported as <sharing_group>/<organisation>, each by id or uuid.
terraform import misp_sharing_group_organisation.member 3/12
terraform import misp_sharing_group_organisation.member 7c0e8d52-3b1a-4f6e-9d2c-5a4b3c2d1e0f/2f4e6a8c-1b3d-4c5e-8f7a-9b0c1d2e3f4a
