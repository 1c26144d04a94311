fn main() {
    hookline_web::start();
}
