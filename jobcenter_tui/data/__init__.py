"""Configuration shipped as data: poverty guidelines and the eligibility switches."""
