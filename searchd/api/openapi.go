package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/docs"
)

// OpenAPIPath is where the API's OpenAPI 3.1 document is served.
const OpenAPIPath = "/api/v1/openapi.json"

// openapi returns the handler of OpenAPIPath: docs/openapi.yaml (embedded)
// converted to JSON once, when the routes are built.
func openapi() (gin.HandlerFunc, error) {
	spec, err := docs.OpenAPIJSON()
	if err != nil {
		return nil, err
	}
	return func(c *gin.Context) { c.Data(http.StatusOK, "application/json", spec) }, nil
}
