"""The portal's inventory for the public: the SCDL catalogue and the opening calendar."""
