package api

import (
	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/api/delivery"
	"github.com/yinling-cms/yinling/api/site"
)

// KindRoutes are what one kind adds to each surface when its routes are
// all its own (pages): its admin API, its content API and its website
// pages, each made by the kind's file in that surface (admin.Pages,
// delivery.Pages, site.Pages). The assembly lists them once in
// Services.KindRoutes; each surface binds, documents and previews every
// one, so such a kind adds no field to a surface and no line to its
// routes. A kind the surfaces' other features use (stories on the home
// page, lectures' registrations, videos in stories) is a typed field
// of Services instead.
type KindRoutes struct {
	Admin    admin.KindRoutes
	Delivery delivery.KindRoutes
	Site     site.KindRoutes
}

// kindRoutesBySurface are the kinds' routes, each surface's apart.
type kindRoutesBySurface struct {
	admin    []admin.KindRoutes
	delivery []delivery.KindRoutes
	site     []site.KindRoutes
}

func splitKindRoutes(kinds []KindRoutes) kindRoutesBySurface {
	var out kindRoutesBySurface
	for _, k := range kinds {
		out.admin = append(out.admin, k.Admin)
		out.delivery = append(out.delivery, k.Delivery)
		out.site = append(out.site, k.Site)
	}
	return out
}
