package sitetest

// WithOpenAPI sets who may read the OpenAPI document (YINLING_OPENAPI:
// public, admin or off).
func WithOpenAPI(exposure string) Option { return func(c *siteConfig) { c.openapi = exposure } }
