"""The staff account's data API: accounts, passwords, throttling, invitations,
resets, signed links, and two-step sign-in."""
