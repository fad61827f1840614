"""Service directory: service channels and how to answer a service question from them."""
