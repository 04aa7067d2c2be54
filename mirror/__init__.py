"""The bundled portal mirror: Hanweb JCMS-like sites on 127.0.0.1 serving the seed reports.

Product code for `zwgk demo`, fixture code for the tests: one implementation.
"""
