# A membership is imported as <sharing_group>/<organisation>, each by id or uuid.
terraform import misp_sharing_group_organisation.member 3/12
