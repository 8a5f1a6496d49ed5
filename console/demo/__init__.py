"""``manage.py demo``'s steps, one module per lifecycle stage: data, training, then operating the deployment."""
