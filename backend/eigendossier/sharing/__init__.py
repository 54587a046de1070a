"""Share links for employers: public verification pages, presentations, QR codes."""
