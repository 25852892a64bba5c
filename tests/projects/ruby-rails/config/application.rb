module Storefront
  class Application < Rails::Application
  end
end
